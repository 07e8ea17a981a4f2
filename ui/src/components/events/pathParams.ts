// `params.path` for routes such as `/api/events/{id}` or `/api/event-types/{name}`. The server's
// OpenAPI document does not declare its path parameters yet, so the generated types say
// `path?: never` and refuse `{ path: { id } }`; openapi-fetch still substitutes them at run time.
// The cast keeps compiling once the document declares them, and can then be dropped.
export function pathParams(values: Record<string, string>): { path: never } {
  return { path: values as never };
}
