declare module '../platform/queues.js' {
  interface JobPayloads {
    /** Daily: recordings older than RECORDING_RETENTION_DAYS are deleted at Twilio. */
    'recordings-expire': Record<string, never>;
  }
}

export {};
