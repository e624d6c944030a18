// The Web UI page: one HTML document with its styles and scripts inlined (mc
// runs offline: nothing comes from a CDN). The page calls the sidecar's ui/*
// routes (page-routes.ts). Its parts: styles, the markdown renderer, the output
// renderers, runs with Stop and timing, the form and chat views, the entry.

import { FAVICON_SVG } from './favicon.ts'
import { CHAT_SCRIPT } from './page-chat.ts'
import { FORM_SCRIPT } from './page-form.ts'
import { MARKDOWN_SCRIPT } from './page-markdown.ts'
import { RENDER_SCRIPT } from './page-render.ts'
import { RUN_SCRIPT } from './page-run.ts'
import { PAGE_SCRIPT } from './page-script.ts'
import { PAGE_STYLES } from './page-styles.ts'

const ICON = `data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}`

export function webUiPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="favicon.ico" type="image/svg+xml">
<style>${PAGE_STYLES}</style>
</head>
<body>
<header><img src="${ICON}" alt=""><span>mc · Web UI</span></header>
<nav id="tabs"></nav>
<main id="panel"></main>
<script>${MARKDOWN_SCRIPT}${RENDER_SCRIPT}${RUN_SCRIPT}${FORM_SCRIPT}${CHAT_SCRIPT}${PAGE_SCRIPT}</script>
</body>
</html>
`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}
