/** The hidden first argument that makes a built mc run as a model's child process (worker-main.ts). */
export const MODEL_WORKER_ARG = '__model-worker'

/** The variable that tells the child where mc's socket is. */
export const WORKER_SOCKET_ENV = 'MC_MODEL_WORKER_SOCKET'
