// The headers of one attempt's request or response, in the order they were sent.
export function HeadersTable({ headers, label, empty }: { headers: string[][]; label: string; empty: string }) {
  if (headers.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-wrap">
      <table aria-label={label} className="headers-table">
        <thead>
          <tr>
            <th scope="col">Header</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {headers.map(([name, value], index) => (
            <tr key={`${index}-${name}`}>
              <td className="mono">{name}</td>
              <td className="mono wrap">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
