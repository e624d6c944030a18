// The separators of each `language` preset, in priority order: model-compose
// 0.4.92's (src/mindor/core/component/services/text_splitter/separators.py),
// which follow LangChain's RecursiveCharacterTextSplitter.from_language.

/** Paragraphs, lines, words, characters: what every preset falls back to, and the default. */
export const DEFAULT_SEPARATORS: readonly string[] = ['\n\n', '\n', ' ', '']

const FALLBACK = DEFAULT_SEPARATORS

export const LANGUAGE_SEPARATORS: Readonly<Record<string, readonly string[]>> = {
  python: ['\nclass ', '\ndef ', '\n\tdef ', ...FALLBACK],
  javascript: ['\nfunction ', '\nconst ', '\nlet ', '\nvar ', '\nclass ', '\nif ', '\nfor ', '\nwhile ', '\nswitch ', '\ncase ', '\ndefault ', ...FALLBACK],
  typescript: ['\nfunction ', '\nconst ', '\nlet ', '\nvar ', '\nclass ', '\ninterface ', '\ntype ', '\nenum ', '\nnamespace ', '\nif ', '\nfor ', '\nwhile ', '\nswitch ', '\ncase ', '\ndefault ', ...FALLBACK],
  java: ['\nclass ', '\npublic ', '\nprotected ', '\nprivate ', '\nstatic ', '\nif ', '\nfor ', '\nwhile ', '\nswitch ', '\ncase ', ...FALLBACK],
  kotlin: ['\nclass ', '\nobject ', '\ninterface ', '\nfun ', '\nval ', '\nvar ', '\nif ', '\nfor ', '\nwhile ', '\nwhen ', ...FALLBACK],
  scala: ['\nclass ', '\nobject ', '\ntrait ', '\ndef ', '\nval ', '\nvar ', '\nif ', '\nfor ', '\nwhile ', '\nmatch ', ...FALLBACK],
  go: ['\nfunc ', '\nvar ', '\nconst ', '\ntype ', '\nif ', '\nfor ', '\nswitch ', '\ncase ', ...FALLBACK],
  rust: ['\nfn ', '\nconst ', '\nlet ', '\nstatic ', '\nstruct ', '\nenum ', '\ntrait ', '\nimpl ', '\nif ', '\nfor ', '\nwhile ', '\nloop ', '\nmatch ', ...FALLBACK],
  cpp: ['\nclass ', '\nvoid ', '\nint ', '\nfloat ', '\ndouble ', '\nif ', '\nfor ', '\nwhile ', '\nswitch ', '\ncase ', ...FALLBACK],
  c: ['\nvoid ', '\nint ', '\nfloat ', '\ndouble ', '\nchar ', '\nstruct ', '\nif ', '\nfor ', '\nwhile ', '\nswitch ', ...FALLBACK],
  csharp: ['\nclass ', '\npublic ', '\nprivate ', '\nprotected ', '\ninternal ', '\nstatic ', '\nnamespace ', '\nif ', '\nfor ', '\nforeach ', '\nwhile ', '\nswitch ', ...FALLBACK],
  ruby: ['\ndef ', '\nclass ', '\nmodule ', '\nif ', '\nunless ', '\nwhile ', '\nfor ', '\ndo ', '\nbegin ', ...FALLBACK],
  php: ['\nfunction ', '\nclass ', '\nif ', '\nforeach ', '\nwhile ', '\nfor ', '\nswitch ', '\ncase ', ...FALLBACK],
  swift: ['\nfunc ', '\nclass ', '\nstruct ', '\nenum ', '\nprotocol ', '\nextension ', '\nif ', '\nfor ', '\nwhile ', '\nswitch ', '\ncase ', ...FALLBACK],
  html: ['<body', '<div', '<p', '<br', '<li', '<h1', '<h2', '<h3', '<h4', '<h5', '<h6', '<span', '<table', '<tr', '<td', '<th', '<ul', '<ol', '<header', '<footer', '<nav', '<head', '<style', '<script', '<meta', '<title', ''],
  markdown: ['\n## ', '\n### ', '\n#### ', '\n##### ', '\n###### ', '```\n', '\n\n---\n', '\n\n***\n', '\n\n___\n', ...FALLBACK],
  latex: ['\n\\chapter{', '\n\\section{', '\n\\subsection{', '\n\\subsubsection{', '\n\\begin{enumerate}', '\n\\begin{itemize}', '\n\\begin{description}', '\n\\begin{list}', '\n\\begin{quote}', '\n\\begin{quotation}', '\n\\begin{verse}', '\n\\begin{verbatim}', '\n\\begin{align}', '$$', '$', ...FALLBACK],
  sql: ['\nSELECT ', '\nFROM ', '\nWHERE ', '\nGROUP BY ', '\nORDER BY ', '\nHAVING ', '\nJOIN ', '\nLEFT JOIN ', '\nRIGHT JOIN ', '\nINNER JOIN ', '\nOUTER JOIN ', '\nUNION ', '\nINSERT ', '\nUPDATE ', '\nDELETE ', '\nCREATE ', '\nDROP ', '\nALTER ', ...FALLBACK],
  solidity: ['\npragma ', '\nusing ', '\ncontract ', '\ninterface ', '\nlibrary ', '\nconstructor ', '\ntype ', '\nfunction ', '\nevent ', '\nmodifier ', '\nerror ', '\nstruct ', '\nenum ', '\nmapping ', '\nif ', '\nfor ', '\nwhile ', '\ndo ', '\nassembly ', ...FALLBACK],
  proto: ['\nmessage ', '\nservice ', '\nenum ', '\noptions ', '\nimport ', '\nsyntax ', ...FALLBACK],
}
