import type { CallResult, Outbound } from './outbound.js';

export const HUBSPOT_DEFAULT_BASE_URL = 'https://api.hubapi.com';
/** HubSpot's association type id for "note to contact". */
export const NOTE_TO_CONTACT_ASSOCIATION = 202;

export interface HubspotNote {
  email: string;
  /** A HubSpot record id, when the contact's external_id is one. */
  hubspotContactId: string | null;
  body: string;
  timestampIso: string;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function readFirstId(excerpt: string | null): string | null {
  try {
    const parsed = JSON.parse(excerpt ?? '') as { results?: Array<{ id?: unknown }> };
    const id = parsed.results?.[0]?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  } catch {
    return null;
  }
}

/**
 * Adds a note to a contact through HubSpot's CRM v3 API: the contact is the record whose
 * id the ShowTrust contact's external_id holds, or else found by email
 * (`POST /crm/v3/objects/contacts/search`); then `POST /crm/v3/objects/notes` with the
 * note-to-contact association.
 */
export async function addHubspotNote(
  outbound: Outbound,
  settings: { baseUrl: string; accessToken: string },
  note: HubspotNote,
): Promise<CallResult> {
  const headers = { authorization: `Bearer ${settings.accessToken}` };
  let contactId = note.hubspotContactId;
  if (!contactId) {
    const search = await outbound.postJson(
      joinUrl(settings.baseUrl, '/crm/v3/objects/contacts/search'),
      headers,
      {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: note.email }] }],
        properties: ['email'],
        limit: 1,
      },
    );
    if (!search.ok) return search;
    contactId = readFirstId(search.responseExcerpt);
    if (!contactId) {
      return {
        ...search,
        ok: false,
        retryable: false,
        error: 'no HubSpot contact with this email',
      };
    }
  }

  return outbound.postJson(joinUrl(settings.baseUrl, '/crm/v3/objects/notes'), headers, {
    properties: { hs_timestamp: note.timestampIso, hs_note_body: note.body },
    associations: [
      {
        to: { id: contactId },
        types: [
          {
            associationCategory: 'HUBSPOT_DEFINED',
            associationTypeId: NOTE_TO_CONTACT_ASSOCIATION,
          },
        ],
      },
    ],
  });
}
