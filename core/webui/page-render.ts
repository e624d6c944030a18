// The page's output renderers (browser code, as text the page inlines): each
// output field shown by its declared type — `as markdown` rendered (safely,
// page-markdown.ts), `as json` and structured values pretty-printed, `as image`
// / `audio` / `video` as media (base64, a data: URI or a URL), `as file` as a
// download link, text as text with its real newlines — each in a block with a
// copy button.

export const RENDER_SCRIPT = String.raw`
function el(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props || {})
  node.append(...children.filter((c) => c !== undefined && c !== null))
  return node
}

// Base64 is told apart by its first bytes; a URL or data: URI is used as it is.
const MAGIC = [['iVBOR', 'image/png'], ['/9j/', 'image/jpeg'], ['R0lGOD', 'image/gif'], ['UklGR', 'image/webp'], ['PHN2Zy', 'image/svg+xml'], ['PD94bW', 'image/svg+xml'],
  ['SUQz', 'audio/mpeg'], ['//u', 'audio/mpeg'], ['T2dnUw', 'audio/ogg'], ['ZkxhQw', 'audio/flac'], ['AAAA', 'video/mp4'], ['GkXf', 'video/webm'], ['JVBER', 'application/pdf']]

function mediaSource(value, kind) {
  if (value && typeof value === 'object') value = value.url || value.data_uri || value.base64 || value.data || ''
  const text = String(value).trim()
  if (/^(data:|https?:\/\/|\/|blob:)/i.test(text)) return text
  const known = MAGIC.find(([head]) => text.startsWith(head))
  const mime = known ? known[1] : ({ image: 'image/png', audio: 'audio/wav', video: 'video/mp4' })[kind] || 'application/octet-stream'
  return 'data:' + mime + ';base64,' + text.replace(/\s+/g, '')
}

const TEXT_TYPES = ['text', 'string', 'integer', 'number', 'boolean', 'base64']
const asText = (value) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2))

// Fills body with value as schema says; returns the text a copy button copies.
function renderValue(body, schema, value) {
  body.replaceChildren()
  body.className = 'value'
  const type = (schema && schema.type) || ''
  const list = Array.isArray(value) ? value : [value]
  if (value === null || value === undefined) {
    body.append(el('span', { className: 'empty', textContent: 'no value' }))
    return ''
  }
  if (type === 'markdown') {
    body.classList.add('markdown')
    body.innerHTML = markdownToHtml(asText(value))
    return asText(value)
  }
  if (type === 'image' || type === 'audio' || type === 'video') {
    body.classList.add('media')
    for (const item of list) {
      const src = mediaSource(item, type)
      body.append(type === 'image' ? el('img', { src, alt: (schema && schema.description) || 'image output' }) : el(type, { src, controls: true }))
    }
    return list.map((item) => mediaSource(item, type)).join('\n')
  }
  if (type === 'file') {
    list.forEach((item, i) => {
      const name = (item && typeof item === 'object' && (item.filename || item.name)) || 'output' + (list.length > 1 ? '-' + (i + 1) : '') + '.bin'
      body.append(el('a', { className: 'download', href: mediaSource(item, 'file'), download: name, textContent: '⬇ ' + name }))
    })
    return asText(value)
  }
  if ((TEXT_TYPES.includes(type) || !type) && typeof value !== 'object') {
    body.classList.add('text')
    body.textContent = String(value)
    return String(value)
  }
  body.classList.add('json')
  body.append(el('pre', { textContent: JSON.stringify(value, null, 2) }))
  return JSON.stringify(value, null, 2)
}

function copyButton(textOf) {
  const button = el('button', { type: 'button', className: 'copy', title: 'Copy', textContent: 'Copy' })
  button.onclick = async () => {
    const text = textOf()
    try { await navigator.clipboard.writeText(text) } catch {
      const area = el('textarea', { value: text })
      document.body.append(area); area.select(); document.execCommand('copy'); area.remove()
    }
    button.textContent = 'Copied'
    setTimeout(() => (button.textContent = 'Copy'), 1200)
  }
  return button
}

// One labelled block per output field; a single value's body is #output.
function outputBlocks(container, schema) {
  container.replaceChildren()
  const fields = schema.kind === 'object' ? Object.entries(schema.fields) : [['output', schema]]
  const blocks = fields.map(([name, fieldSchema]) => {
    const body = el('div', { className: 'value' })
    const block = { name, schema: fieldSchema, body, raw: '' }
    container.append(el('div', { className: 'block' }, el('div', { className: 'block-head' }, el('span', { className: 'block-name', textContent: name }), copyButton(() => block.raw)), body))
    return block
  })
  if (schema.kind !== 'object') blocks[0].body.id = 'output'
  else container.id = 'output'
  return {
    clear() { for (const b of blocks) { b.body.replaceChildren(); b.body.className = 'value'; b.raw = '' } },
    show(value) {
      if (schema.kind === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
        for (const b of blocks) b.raw = renderValue(b.body, b.schema, value[b.name])
      } else blocks[0].raw = renderValue(blocks[0].body, schema.kind === 'object' ? {} : schema, value)
    },
    // Streamed chunks: text grows in place (markdown re-rendered), JSON items are listed.
    append(chunk, format) {
      const b = blocks[0]
      if (format === 'sse-json') {
        let items = b.body.querySelector('ol.items')
        if (!items) b.body.append((items = el('ol', { className: 'items' })))
        items.append(el('li', { textContent: JSON.stringify(chunk) }))
        b.raw += JSON.stringify(chunk) + '\n'
        return
      }
      b.raw += String(chunk)
      if (b.schema.type === 'markdown') { b.body.className = 'value markdown'; b.body.innerHTML = markdownToHtml(b.raw) }
      else { b.body.className = 'value text'; b.body.textContent = b.raw }
    },
  }
}
`
