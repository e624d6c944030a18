// The page's styles (inlined: the page fetches nothing from elsewhere).

export const PAGE_STYLES = `
:root { --line: #d8dee4; --muted: #59636e; --accent: #ea580c; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 0; background: var(--bg); color: #1f2328; }
header { display: flex; align-items: center; gap: 8px; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); color: var(--muted); font-size: 14px; }
header img { width: 22px; height: 22px; }
nav { display: flex; gap: 4px; padding: 12px 24px 0; flex-wrap: wrap; }
nav button { border: 1px solid var(--line); border-bottom: none; background: #eef1f4; padding: 8px 14px; border-radius: 6px 6px 0 0; cursor: pointer; font: inherit; }
nav button.active { background: #fff; font-weight: 600; }
main { margin: 0 24px 24px; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 20px; display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; }
nav:not(:empty) + main { border-top-left-radius: 0; }
main:has(.chat-view) { grid-template-columns: minmax(0, 1fr); }
h2 { margin: 0 0 4px; font-size: 18px; } h3 { margin: 0 0 8px; font-size: 15px; }
.description { color: var(--muted); margin: 0 0 12px; }
label { display: block; font-weight: 600; margin: 12px 0 4px; } .hint { font-weight: normal; color: var(--muted); font-size: 13px; }
input[type=text], input[type=number], textarea, select { width: 100%; padding: 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; background: #fff; }
textarea { resize: vertical; }
label.upload { display: flex; align-items: center; justify-content: center; min-height: 64px; border: 2px dashed var(--line); border-radius: 6px; font-weight: normal; color: var(--muted); cursor: pointer; margin: 0; padding: 8px; }
label.upload:hover { border-color: var(--accent); }
label.upload input { position: absolute; width: 1px; height: 1px; opacity: 0; }
.controls { display: flex; align-items: center; gap: 8px; margin-top: 16px; flex-wrap: wrap; }
.controls button { border: 1px solid var(--line); background: #fff; padding: 9px 18px; border-radius: 6px; font: inherit; cursor: pointer; }
.controls button.run { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
.controls button.stop:not(:disabled) { border-color: #b42318; color: #b42318; }
.controls button:disabled { opacity: .5; cursor: default; }
.timing { color: var(--muted); font-size: 13px; font-variant-numeric: tabular-nums; }
.timing[data-state=stopped], .timing[data-state=failed] { color: #b42318; }
.block { border: 1px solid var(--line); border-radius: 6px; margin-bottom: 12px; background: #fbfbfc; }
.block-head { display: flex; justify-content: space-between; align-items: center; padding: 4px 6px 4px 10px; border-bottom: 1px solid var(--line); font-size: 12px; color: var(--muted); }
button.copy { border: 1px solid var(--line); background: #fff; border-radius: 4px; font-size: 12px; padding: 2px 8px; cursor: pointer; color: var(--muted); }
.value { padding: 10px; min-height: 48px; overflow-wrap: anywhere; }
.value.text { white-space: pre-wrap; }
.value.json pre, .markdown pre { margin: 0; font: 13px/1.45 ui-monospace, monospace; white-space: pre-wrap; }
.value.media img, .value.media video { max-width: 100%; max-height: 480px; image-rendering: auto; display: block; margin: 4px 0; border-radius: 4px; }
.value.media audio { width: 100%; }
.empty { color: var(--muted); font-style: italic; }
a.download { display: inline-block; padding: 6px 12px; border: 1px solid var(--line); border-radius: 6px; background: #fff; text-decoration: none; margin: 2px 4px 2px 0; }
ol.items { margin: 0; padding-left: 22px; } ol.items li { font-family: ui-monospace, monospace; font-size: 13px; }
.markdown > :first-child { margin-top: 0; } .markdown > :last-child { margin-bottom: 0; }
.markdown code { background: #eef1f4; border-radius: 4px; padding: 1px 4px; font-size: 90%; }
.markdown pre { background: #f1f3f5; padding: 10px; border-radius: 6px; overflow-x: auto; }
.markdown pre code { background: none; padding: 0; }
.markdown blockquote { margin: 0; padding-left: 12px; border-left: 3px solid var(--line); color: var(--muted); }
.markdown table { border-collapse: collapse; } .markdown th, .markdown td { border: 1px solid var(--line); padding: 4px 8px; }
.error { color: #b42318; background: #fef3f2; border: 1px solid #fda29b; border-radius: 6px; padding: 8px 10px; margin-top: 12px; white-space: pre-wrap; }
.chat { display: flex; flex-direction: column; gap: 10px; min-height: 160px; max-height: max(160px, calc(100vh - 330px)); overflow-y: auto; padding: 12px; border: 1px solid var(--line); border-radius: 6px; background: #fbfbfc; margin: 8px 0; }
.chat:empty::before { content: 'No messages yet.'; color: var(--muted); font-style: italic; }
.msg { max-width: 80%; padding: 8px 12px; border-radius: 10px; position: relative; }
.msg.user { align-self: flex-end; background: #fff1e6; border: 1px solid #fbd3b5; }
.msg.assistant { align-self: flex-start; background: #fff; border: 1px solid var(--line); }
.msg .who { font-size: 11px; color: var(--muted); margin-bottom: 2px; }
.msg .content.text { white-space: pre-wrap; }
.msg button.copy { margin-top: 6px; }
.note { color: #b42318; font-size: 13px; font-style: italic; margin: 4px 0 0; }
@media (max-width: 800px) { main { grid-template-columns: minmax(0, 1fr); } }
`
