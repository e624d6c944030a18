// The Web UI page: one tab per workflow, a widget per input (chosen from its
// type), a Run button, and the output — an `sse-text` answer grows in place,
// an `sse-json` one appends items. The page calls the controller through the
// sidecar (`ui/workflows`, and `ui/run`, which answers JSON lines).

export function webUiPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1f2328; }
  header { padding: 14px 24px; background: #fff; border-bottom: 1px solid #d8dee4; font-weight: 600; }
  nav { display: flex; gap: 4px; padding: 12px 24px 0; }
  nav button { border: 1px solid #d8dee4; border-bottom: none; background: #eef1f4; padding: 8px 14px; border-radius: 6px 6px 0 0; cursor: pointer; }
  nav button.active { background: #fff; font-weight: 600; }
  main { margin: 0 24px 24px; background: #fff; border: 1px solid #d8dee4; border-radius: 0 6px 6px 6px; padding: 20px; display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
  h2 { margin: 0 0 4px; font-size: 18px; } .description { color: #59636e; margin: 0 0 16px; }
  label { display: block; font-weight: 600; margin: 12px 0 4px; } .hint { font-weight: normal; color: #59636e; font-size: 13px; }
  input[type=text], input[type=number], textarea, select { width: 100%; box-sizing: border-box; padding: 8px; border: 1px solid #d8dee4; border-radius: 6px; font: inherit; }
  textarea { min-height: 90px; }
  button.run { margin-top: 16px; background: #ea580c; color: #fff; border: none; padding: 10px 22px; border-radius: 6px; font-size: 15px; cursor: pointer; }
  button.run:disabled { opacity: .6; cursor: wait; }
  .output { white-space: pre-wrap; min-height: 160px; border: 1px solid #d8dee4; border-radius: 6px; padding: 10px; background: #fbfbfc; }
  .error { color: #b42318; background: #fef3f2; border: 1px solid #fda29b; border-radius: 6px; padding: 8px; margin-top: 12px; }
  ol.items { margin: 0; padding-left: 22px; } ol.items li { font-family: ui-monospace, monospace; font-size: 13px; }
</style>
</head>
<body>
<header>${escapeHtml(title)}</header>
<nav id="tabs"></nav>
<main id="panel"></main>
<script type="module">
const tabs = document.getElementById('tabs')
const panel = document.getElementById('panel')
const workflows = await (await fetch('ui/workflows')).json()

function widget(field) {
  const value = field.default ?? ''
  const opts = (field.subtype || '').split(',').map((s) => s.trim())
  switch (field.type) {
    case 'text': case 'markdown': return Object.assign(document.createElement('textarea'), { value })
    case 'integer': case 'number': return Object.assign(document.createElement('input'), { type: 'number', value, step: field.type === 'integer' ? 1 : 'any' })
    case 'boolean': return Object.assign(document.createElement('input'), { type: 'checkbox', checked: value === true })
    case 'select': { const s = document.createElement('select'); for (const o of opts) s.add(new Option(o, o, false, o === value)); return s }
    case 'slider': return Object.assign(document.createElement('input'), { type: 'range', min: opts[0] || 0, max: opts[1] || 1, step: opts[2] || 0.1, value })
    case 'image': case 'audio': case 'video': case 'file': return Object.assign(document.createElement('input'), { type: 'file', accept: field.type === 'file' ? '' : field.type + '/*' })
    default: return Object.assign(document.createElement('input'), { type: 'text', value })
  }
}

async function readValue(field, element) {
  if (element.type === 'checkbox') return element.checked
  if (element.type === 'file') {
    const file = element.files[0]
    if (!file) return undefined
    return await new Promise((resolve) => { const r = new FileReader(); r.onload = () => resolve(String(r.result).split(',')[1]); r.readAsDataURL(file) })
  }
  if (element.value === '') return undefined
  return element.type === 'number' || element.type === 'range' ? Number(element.value) : element.value
}

function showValue(workflow, output, value) {
  if (workflow.output.type === 'image' && typeof value === 'string') output.appendChild(Object.assign(document.createElement('img'), { src: 'data:image/png;base64,' + value }))
  else if (workflow.output.type === 'audio' && typeof value === 'string') output.appendChild(Object.assign(document.createElement('audio'), { controls: true, src: 'data:audio/wav;base64,' + value }))
  else output.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

function show(workflow) {
  for (const b of tabs.children) b.classList.toggle('active', b.dataset.id === workflow.workflow_id)
  panel.innerHTML = ''
  const form = document.createElement('section')
  form.innerHTML = '<h2></h2><p class="description"></p>'
  form.querySelector('h2').textContent = workflow.title
  form.querySelector('.description').textContent = workflow.description || ''
  const elements = []
  for (const field of workflow.input) {
    const label = document.createElement('label')
    label.textContent = field.name + (field.required ? ' *' : '')
    if (field.description) label.append(Object.assign(document.createElement('span'), { className: 'hint', textContent: ' — ' + field.description }))
    const element = widget(field)
    element.name = field.name
    label.htmlFor = element.id = 'in-' + field.name
    form.append(label, element)
    elements.push([field, element])
  }
  const run = Object.assign(document.createElement('button'), { className: 'run', textContent: 'Run' })
  form.append(run)
  const result = document.createElement('section')
  result.innerHTML = '<label>Output</label><div class="output" id="output"></div>'
  const output = result.querySelector('.output')
  panel.append(form, result)

  run.onclick = async () => {
    run.disabled = true
    output.textContent = ''
    result.querySelector('.error')?.remove()
    try {
      const input = {}
      for (const [field, element] of elements) { const v = await readValue(field, element); if (v !== undefined) input[field.name] = v }
      const response = await fetch('ui/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow.workflow_id, input }) })
      if (!response.ok) throw new Error((await response.json().catch(() => ({}))).detail || response.statusText)
      const list = workflow.output.format === 'sse-json' ? output.appendChild(document.createElement('ol')) : null
      if (list) list.className = 'items'
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let pending = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        pending += value
        let at
        while ((at = pending.indexOf('\\n')) >= 0) {
          const line = JSON.parse(pending.slice(0, at))
          pending = pending.slice(at + 1)
          if ('error' in line) throw new Error(line.error)
          if ('chunk' in line) {
            if (list) list.appendChild(document.createElement('li')).textContent = JSON.stringify(line.chunk)
            else output.textContent += line.chunk
          } else showValue(workflow, output, line.value)
        }
      }
    } catch (error) {
      result.append(Object.assign(document.createElement('div'), { className: 'error', textContent: String(error.message || error) }))
    } finally {
      run.disabled = false
    }
  }
}

for (const workflow of workflows) {
  const button = Object.assign(document.createElement('button'), { textContent: workflow.title })
  button.dataset.id = workflow.workflow_id
  button.onclick = () => show(workflow)
  tabs.append(button)
}
if (workflows.length) show(workflows.find((w) => w.default) || workflows[0])
</script>
</body>
</html>
`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}
