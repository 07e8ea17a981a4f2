// An event type that may wrap after its dots (`order.<wbr>created`) instead of mid-word, so
// narrow tables stay readable.
import { Fragment } from "react";

export function EventTypeName({ name }: { name: string }) {
  const parts = name.split(".");
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {index > 0 && (
            <>
              .<wbr />
            </>
          )}
          {part}
        </Fragment>
      ))}
    </>
  );
}
