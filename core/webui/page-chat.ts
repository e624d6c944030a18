// The page's chat view (browser code, as text the page inlines). model-compose
// 0.4.92's Gradio UI has no chat view (its Chatbot is only its log panel), so
// mc decides: a workflow is a chat when its output is one text or markdown
// value and it takes one text input, plus, optionally, a `messages` or
// `history` input. Each send adds a turn; the turns are kept per browser tab
// (sessionStorage) and, when the workflow has a `messages` / `history` input,
// sent in it as [{role, content}] so the model sees the conversation.

export const CHAT_SCRIPT = String.raw`
const HISTORY_FIELDS = ['messages', 'history']

function chatFieldsOf(workflow) {
  const output = workflow.output
  const textOut = output.kind === 'value' && (['text', 'string', 'markdown'].includes(output.type) || output.format === 'sse-text')
  const history = workflow.input.find((f) => HISTORY_FIELDS.includes(f.name))
  const texts = workflow.input.filter((f) => f !== history && ['text', 'string'].includes(f.type))
  return textOut && texts.length === 1 && workflow.input.length === texts.length + (history ? 1 : 0) ? { prompt: texts[0], history } : undefined
}

function chatView(panel, workflow, heading, fields) {
  const key = 'mc-chat:' + workflow.workflow_id
  let turns = JSON.parse(sessionStorage.getItem(key) || '[]')
  const save = () => sessionStorage.setItem(key, JSON.stringify(turns))
  const log = el('div', { className: 'chat', role: 'log' })
  const prompt = el('textarea', { id: 'in-' + fields.prompt.name, name: fields.prompt.name, rows: 2, placeholder: 'Message… (Enter sends, Shift+Enter for a new line)' })
  const ui = controls()
  ui.run.textContent = 'Send'
  panel.replaceChildren(el('section', { className: 'chat-view' }, ...heading, log, fieldLabel(fields.prompt, prompt), prompt, ui.bar))

  function bubble(turn) {
    const content = el('div', { className: 'content markdown' })
    const message = el('div', { className: 'msg ' + turn.role }, el('div', { className: 'who', textContent: turn.role === 'user' ? 'You' : 'Assistant' }), content)
    if (turn.role === 'assistant') message.append(copyButton(() => turn.content))
    const paint = () => {
      if (turn.role === 'user') { content.className = 'content text'; content.textContent = turn.content }
      else content.innerHTML = markdownToHtml(turn.content) + (turn.stopped ? '<p class="note">stopped</p>' : '')
      log.scrollTop = log.scrollHeight
    }
    paint()
    log.append(message)
    return { content, paint, message }
  }
  const repaint = () => { log.replaceChildren(); for (const turn of turns) bubble(turn) }
  repaint()
  let current

  async function send() {
    const text = prompt.value
    if (!text.trim() || current) return
    log.querySelector('.error')?.remove()
    const input = { [fields.prompt.name]: text }
    if (fields.history) input[fields.history.name] = turns.map(({ role, content }) => ({ role, content }))
    const user = { role: 'user', content: text }
    const answer = { role: 'assistant', content: '' }
    turns.push(user)
    bubble(user)
    prompt.value = ''
    for (const old of log.querySelectorAll('#output')) old.removeAttribute('id')
    const view = bubble(answer)
    view.content.id = 'output'
    const timer = runTimer(ui.timing)
    ui.run.disabled = true
    ui.stop.disabled = false
    current = startRun(workflow, input, {
      task: (id) => (panel.dataset.task = id),
      chunk: (chunk) => { timer.firstChunk(); answer.content += String(chunk); view.paint() },
      value: (value) => { answer.content = typeof value === 'string' ? value : JSON.stringify(value, null, 2); view.paint() },
      error: (message) => log.append(el('div', { className: 'error', role: 'alert', textContent: message })),
    })
    const state = await current.done
    current = undefined
    timer.end(state)
    if (state === 'stopped') { answer.stopped = true; view.paint() }
    if (state === 'failed' && !answer.content) view.message.remove()
    else turns.push(answer)
    save()
    ui.run.disabled = false
    ui.stop.disabled = true
  }
  ui.run.onclick = send
  prompt.onkeydown = (event) => { if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); send() } }
  ui.stop.onclick = () => current && current.stop()
  ui.clear.onclick = () => { if (current) current.stop(); turns = []; save(); repaint(); ui.timing.textContent = '' }
}
`
