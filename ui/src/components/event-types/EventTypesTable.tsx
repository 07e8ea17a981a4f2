// The event type catalog as a table; the admin gets a Delete button per row, which asks first.
import { api, call, type Schemas } from "../../api/client";
import { EVENT_TYPES_KEY } from "../../api/queryKeys";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorNotice } from "../ErrorNotice";
import { useConfirmedAction } from "../useConfirmedAction";
import { SchemaDetails } from "./SchemaDetails";

export function EventTypesTable({ types, canDelete }: { types: Schemas["EventTypeOut"][]; canDelete: boolean }) {
  const remove = useConfirmedAction(
    (name: string) => call(api.DELETE("/api/event-types/{name}", { params: { path: { name } } })),
    EVENT_TYPES_KEY,
  );
  const doomed = remove.target;

  return (
    <>
      <ErrorNotice error={remove.error} />
      <div className="table-wrap">
        <table aria-label="Event types" className="event-types-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Schema</th>
              {canDelete && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {types.map((type) => (
              <tr key={type.id}>
                <td className="mono wrap">{type.name}</td>
                <td className="wrap">{type.description || <span className="muted">—</span>}</td>
                <td>
                  {type.schema ? (
                    <SchemaDetails
                      schema={type.schema}
                      summary={
                        <>
                          yes<span className="visually-hidden">: the JSON Schema of {type.name}</span>
                        </>
                      }
                    />
                  ) : (
                    <span className="muted">
                      —<span className="visually-hidden">no schema</span>
                    </span>
                  )}
                </td>
                {canDelete && (
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Delete ${type.name}`}
                      onClick={() => remove.ask(type.name)}
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {doomed && (
        <ConfirmDialog
          title="Delete event type"
          message={`Delete ${doomed} from the catalog? Webhooks subscribed to it keep their subscription, and events of this type can still be published, but without a schema check.`}
          confirmLabel="Delete event type"
          busy={remove.busy}
          onConfirm={remove.confirm}
          onCancel={remove.cancel}
        />
      )}
    </>
  );
}
