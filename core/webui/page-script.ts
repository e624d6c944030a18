// The page's entry (browser code, as text the page inlines): the workflows
// from ui/workflows, one tab per workflow when there are several (its title
// named once, on its tab; a lone workflow's title heads the panel), and the
// chat view (page-chat.ts) or the form view (page-form.ts) for each.

export const PAGE_SCRIPT = String.raw`
const tabs = document.getElementById('tabs')
const panel = document.getElementById('panel')

async function main() {
  let workflows
  try {
    const response = await fetch('ui/workflows')
    if (!response.ok) throw new Error(await errorOf(response))
    workflows = await response.json()
  } catch (error) {
    panel.replaceChildren(el('div', { className: 'error', role: 'alert', textContent: 'The workflows could not be loaded: ' + error.message }))
    return
  }
  if (!workflows.length) { panel.replaceChildren(el('p', { className: 'hint', textContent: 'This compose file serves no workflow.' })); return }
  const show = (workflow) => {
    for (const b of tabs.children) b.classList.toggle('active', b.dataset.id === workflow.workflow_id)
    const heading = [workflows.length === 1 ? el('h2', { textContent: workflow.title }) : undefined, workflow.description ? el('p', { className: 'description', textContent: workflow.description }) : undefined].filter(Boolean)
    delete panel.dataset.task
    const chat = chatFieldsOf(workflow)
    if (chat) chatView(panel, workflow, heading, chat)
    else formView(panel, workflow, heading)
    history.replaceState(null, '', '#' + encodeURIComponent(workflow.workflow_id))
  }
  if (workflows.length > 1) {
    for (const workflow of workflows) {
      const button = el('button', { type: 'button', textContent: workflow.title })
      button.dataset.id = workflow.workflow_id
      button.onclick = () => show(workflow)
      tabs.append(button)
    }
  }
  // #<workflow id> opens that workflow (a link to it, or the address edited).
  const wanted = () => workflows.find((w) => w.workflow_id === decodeURIComponent(location.hash.slice(1)))
  addEventListener('hashchange', () => wanted() && show(wanted()))
  show(wanted() || workflows.find((w) => w.default) || workflows[0])
}
main()
`
