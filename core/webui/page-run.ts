// The page's runs (browser code, as text the page inlines): POST ui/run, its
// JSON lines handed to the view as they come ({task}, {chunk}, {value},
// {error}), a Stop that cancels the task on the server (ui/cancel) and drops
// the answer, and the timing shown while it runs: elapsed time, and the time
// to the first streamed chunk.

export const RUN_SCRIPT = String.raw`
const seconds = (ms) => (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s'

function runTimer(element) {
  const started = performance.now()
  let first
  let ticker
  const show = (word) => {
    const elapsed = performance.now() - started
    element.textContent = word + ' ' + seconds(elapsed) + (first !== undefined ? ' · first token ' + seconds(first) : '')
  }
  ticker = setInterval(() => show('Running…'), 100)
  show('Running…')
  element.dataset.state = 'running'
  return {
    firstChunk() { if (first === undefined) first = performance.now() - started },
    end(state) {
      clearInterval(ticker)
      element.dataset.state = state
      show(({ done: 'Done in', stopped: 'Stopped after', failed: 'Failed after' })[state])
    },
  }
}

// view: { task(id), chunk(value), value(value), error(message) }. Resolves with 'done', 'stopped' or 'failed'.
function startRun(workflow, input, view) {
  const aborter = new AbortController()
  let taskId
  let stopped = false
  const done = (async () => {
    try {
      const response = await fetch('ui/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow.workflow_id, input }), signal: aborter.signal })
      if (!response.ok) throw new Error(await errorOf(response))
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let pending = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        pending += value
        let at
        while ((at = pending.indexOf('\n')) >= 0) {
          const line = JSON.parse(pending.slice(0, at))
          pending = pending.slice(at + 1)
          if ('error' in line) throw new Error(line.error)
          if ('task' in line) { taskId = line.task; view.task(taskId) }
          else if ('chunk' in line) view.chunk(line.chunk)
          else view.value(line.value)
        }
      }
      return stopped ? 'stopped' : 'done'
    } catch (error) {
      if (stopped) return 'stopped'
      view.error(String((error && error.message) || error))
      return 'failed'
    }
  })()
  return {
    done,
    async stop() {
      stopped = true
      // The task is cancelled where it runs; leaving the answer alone would cancel it too, but not with a grace period set.
      if (taskId) await fetch('ui/cancel', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task_id: taskId }) }).catch(() => {})
      aborter.abort()
    },
  }
}

// A failed request's readable message: the JSON detail, else the status.
async function errorOf(response) {
  const text = await response.text().catch(() => '')
  try {
    const detail = JSON.parse(text).detail
    if (detail) return typeof detail === 'string' ? detail : JSON.stringify(detail)
  } catch {}
  return response.status + ' ' + response.statusText + (text && text.length < 300 ? ': ' + text : '')
}
`
