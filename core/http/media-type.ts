// The media type of a Content-Type header, without its parameters, lower-cased:
// `Application/JSON; charset=utf-8` → `application/json`; '' when there is none.

export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase()
}
