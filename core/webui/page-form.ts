// The page's form view (browser code, as text the page inlines): one widget
// per input chosen from its type — choices (`as select/a,b`, or the cases of
// the `switch` that reads it) as a dropdown, `image` / `audio` / `video` /
// `file` as an upload — Run, Stop and Clear, the timing, and the outputs
// (page-render.ts).

export const FORM_SCRIPT = String.raw`
function widget(field) {
  const value = field.default ?? ''
  const opts = (field.subtype || '').split(',').map((s) => s.trim())
  switch (field.type) {
    case 'text': case 'markdown': return el('textarea', { value, rows: 4 })
    case 'integer': case 'number': return el('input', { type: 'number', value, step: field.type === 'integer' ? 1 : 'any' })
    case 'boolean': return el('input', { type: 'checkbox', checked: value === true })
    case 'select': {
      const select = el('select')
      for (const o of opts) select.add(new Option(o, o, false, o === String(value)))
      return select
    }
    case 'slider': return el('input', { type: 'range', min: opts[0] || 0, max: opts[1] || 1, step: opts[2] || 0.1, value })
    case 'image': case 'audio': case 'video': case 'file':
      return el('input', { type: 'file', accept: field.type === 'file' ? '' : field.type + '/*' })
    default: return el('input', { type: 'text', value })
  }
}

// An upload shows as a drop area naming the chosen file.
function uploadArea(input, field) {
  const name = el('span', { className: 'file-name', textContent: 'Drop ' + (field.type === 'image' ? 'an image' : 'a ' + field.type) + ' here or click to upload' })
  input.onchange = () => (name.textContent = input.files[0] ? input.files[0].name + ' (' + Math.ceil(input.files[0].size / 1024) + ' KB)' : name.textContent)
  const area = el('label', { className: 'upload', htmlFor: input.id }, name, input)
  area.ondragover = (event) => event.preventDefault()
  area.ondrop = (event) => { event.preventDefault(); input.files = event.dataTransfer.files; input.onchange() }
  return area
}

async function readValue(element) {
  if (element.type === 'checkbox') return element.checked
  if (element.type === 'file') {
    const file = element.files[0]
    if (!file) return undefined
    return await new Promise((resolve) => { const r = new FileReader(); r.onload = () => resolve(String(r.result).split(',')[1]); r.readAsDataURL(file) })
  }
  if (element.value === '') return undefined
  return element.type === 'number' || element.type === 'range' ? Number(element.value) : element.value
}

function fieldLabel(field, element) {
  const label = el('label', { htmlFor: element.id, textContent: field.name + (field.required ? ' *' : '') })
  if (field.description) label.append(el('span', { className: 'hint', textContent: ' — ' + field.description }))
  return label
}

function controls() {
  const run = el('button', { type: 'button', className: 'run', textContent: 'Run' })
  const stop = el('button', { type: 'button', className: 'stop', textContent: 'Stop', disabled: true })
  const clear = el('button', { type: 'button', className: 'clear', textContent: 'Clear' })
  const timing = el('span', { className: 'timing' })
  return { run, stop, clear, timing, bar: el('div', { className: 'controls' }, run, stop, clear, timing) }
}

function formView(panel, workflow, heading) {
  const form = el('section', { className: 'form' }, ...heading)
  const elements = workflow.input.map((field) => {
    const element = widget(field)
    element.name = field.name
    element.id = 'in-' + field.name
    form.append(fieldLabel(field, element), element.type === 'file' ? uploadArea(element, field) : element)
    return [field, element]
  })
  if (!elements.length) form.append(el('p', { className: 'hint', textContent: 'This workflow takes no input.' }))
  const ui = controls()
  form.append(ui.bar)
  const outputs = el('div', { className: 'outputs' })
  const result = el('section', { className: 'result' }, el('h3', { textContent: 'Output' }), outputs)
  panel.replaceChildren(form, result)
  const blocks = outputBlocks(outputs, workflow.output)
  let current
  const reset = () => { blocks.clear(); for (const note of result.querySelectorAll('.error, .note')) note.remove(); ui.timing.textContent = '' }

  ui.run.onclick = async () => {
    reset()
    const timer = runTimer(ui.timing)
    ui.run.disabled = true
    ui.stop.disabled = false
    const input = {}
    for (const [field, element] of elements) { const v = await readValue(element); if (v !== undefined) input[field.name] = v }
    current = startRun(workflow, input, {
      task: (id) => (panel.dataset.task = id),
      chunk: (chunk) => { timer.firstChunk(); blocks.append(chunk, workflow.output.format) },
      value: (value) => blocks.show(value),
      error: (message) => result.append(el('div', { className: 'error', role: 'alert', textContent: message })),
    })
    const state = await current.done
    timer.end(state)
    if (state === 'stopped') result.append(el('p', { className: 'note', textContent: 'Stopped: the run was cancelled; what came before is kept.' }))
    current = undefined
    ui.run.disabled = false
    ui.stop.disabled = true
  }
  ui.stop.onclick = () => current && current.stop()
  ui.clear.onclick = () => { if (current) current.stop(); reset() }
}
`
