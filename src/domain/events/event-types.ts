// The outbound event types an endpoint can subscribe to (the contract's list). Pure: the API schemas, the
// recording helpers and the console's generated types all read it.
export const EVENT_TYPES = ['call.analyzed', 'call.failed', 'lead.analysis.updated', 'lead.scored', 'ping'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** Events that belong to no lead (ping) form their endpoint's own ordered stream. */
export const NO_LEAD_STREAM = 'endpoint';
