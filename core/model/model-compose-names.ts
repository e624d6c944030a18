// What model-compose has, by name (0.4.92, commit 33a4b82f, plus what 0.4.10,
// commit c0eabd7e, had and 0.4.92 dropped). A name from these lists that mc
// does not serve is refused with one line saying so, instead of "unknown".

export const MODEL_COMPOSE_COMPONENT_TYPES: readonly string[] = [
  'http-server', 'http-client', 'websocket-server', 'websocket-client', 'mcp-server', 'mcp-client', 'agent',
  'model', 'model-memory', 'model-trainer', 'model-tokenizer', 'datasets', 'vector-store', 'workflow', 'shell',
  'text-splitter', 'sentence-splitter', 'transcript-corrector', 'morpheme-analyzer', 'image-processor',
  'image-compressor', 'image-analyzer', 'vector-processor', 'web-scraper', 'web-browser', 'html-frame-renderer',
  'video-scene-detector', 'video-clipper', 'video-converter', 'video-encoder', 'video-frame-extractor', 'video-mixer',
  'video-analyzer', 'screen-capture', 'audio-capture', 'video-capture', 'rtmp-publisher', 'media-inspector',
  'media-downloader', 'audio-extractor', 'audio-clipper', 'audio-converter', 'audio-processor',
  'audio-feature-extractor', 'audio-analyzer', 'audio-playback', 'audio-mixer', 'key-value-store', 'graph-store',
  'file-store', 'search-engine', 'data-queue',
]

export const MODEL_COMPOSE_ADAPTERS: readonly string[] = ['http-server', 'mcp-server', 'queue-subscriber']

/** Top-level sections, singular and plural (`listener:` is one, `listeners:` a list). */
export const MODEL_COMPOSE_SECTIONS: readonly string[] = [
  'listener', 'listeners', 'gateway', 'gateways', 'system', 'systems', 'tracer', 'tracers', 'logger', 'loggers',
]
