import type { ActivityOptions } from '@temporalio/workflow';

/**
 * How the workflows run their activities. Recording (a transition, a condition's change) is quick and
 * idempotent, retried briefly until it lands; sending mail may wait long on an SMTP server that is down.
 */
export const RECORDING: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
};

// Regular, not local: sending may wait long on an SMTP server that is down, retrying with backoff
// until it returns, and must not hold up the workflow task meanwhile. It heartbeats per message, so
// an attempt lost with its worker is retried within the heartbeat timeout, not the whole limit.
export const DELIVERY: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
