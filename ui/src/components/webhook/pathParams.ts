// `params.path` for routes such as `/api/webhooks/{id}` and `/api/deliveries/{id}`. The server's
// OpenAPI document does not declare its path parameters yet, so the generated types say
// `path?: never` and refuse `{ path: { id } }`; openapi-fetch still substitutes `{id}` at run
// time. The cast keeps compiling once the document declares them, and can then be dropped.
export function withId(id: string): { path: never } {
  return { path: { id } as never };
}
