// The tenant tokens: who each is for and which tenant it sees, with Revoke, which asks first.
import { api, call, type Schemas } from "../../api/client";
import { TOKENS_KEY } from "../../api/queryKeys";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorNotice } from "../ErrorNotice";
import { useConfirmedAction } from "../useConfirmedAction";
import { Time } from "../Time";

export function TokensTable({ tokens }: { tokens: Schemas["TokenOut"][] }) {
  const revoke = useConfirmedAction(
    (token: Schemas["TokenOut"]) => call(api.DELETE("/api/tokens/{id}", { params: { path: { id: token.id } } })),
    TOKENS_KEY,
  );
  const doomed = revoke.target;

  return (
    <>
      <ErrorNotice error={revoke.error} />
      <div className="table-wrap">
        <table aria-label="Tokens" className="tokens-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Tenant</th>
              <th scope="col" className="hide-narrow">
                Id
              </th>
              <th scope="col" className="hide-narrow">
                Created
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td className="wrap">{token.name}</td>
                <td className="mono">{token.tenant}</td>
                <td className="mono hide-narrow">{token.id}</td>
                <td className="hide-narrow">
                  <Time iso={token.created_at} />
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Revoke ${token.name}`}
                    onClick={() => revoke.ask(token)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {doomed && (
        <ConfirmDialog
          title="Revoke token"
          message={`Revoke the token for ${doomed.name} (tenant ${doomed.tenant})? It stops working at once, and its portal link with it. This cannot be undone.`}
          confirmLabel="Revoke token"
          busy={revoke.busy}
          onConfirm={revoke.confirm}
          onCancel={revoke.cancel}
        />
      )}
    </>
  );
}
