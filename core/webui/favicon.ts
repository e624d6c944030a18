// The Web UI's icon, served at /favicon.ico (browsers ask for it unprompted)
// and linked from the page: a small SVG, so nothing is fetched from elsewhere.

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#ea580c"/><path d="M7 23V10h3l3 7 3-7h3v13h-3v-7l-2.4 5.6h-1.2L10 16v7z" fill="#fff"/><circle cx="24" cy="21" r="2.2" fill="#fff"/></svg>`

export function faviconResponse(): Response {
  return new Response(FAVICON_SVG, { headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' } })
}
