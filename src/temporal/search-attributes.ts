// Keyword attributes on every workflow that belongs to a tenant, user or lead.
// Pure definitions: imported by workflow code too, so nothing here may do I/O.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

const OrganizationIdKey = defineSearchAttributeKey('OrganizationId', SearchAttributeType.KEYWORD);
const UserIdKey = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD);
const LeadIdKey = defineSearchAttributeKey('LeadId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = ['OrganizationId', 'UserId', 'LeadId'] as const;

export function tenantSearchAttributes(ids: {
  organizationId: string;
  userId?: string | null;
  leadId?: string | null;
}): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [{ key: OrganizationIdKey, value: ids.organizationId }];
  if (ids.userId) pairs.push({ key: UserIdKey, value: ids.userId });
  if (ids.leadId) pairs.push({ key: LeadIdKey, value: ids.leadId });
  return pairs;
}
