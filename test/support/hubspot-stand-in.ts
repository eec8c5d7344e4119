import {
  startHttpStandIn,
  type HttpStandIn,
  type ReceivedRequest,
  type Reply,
} from './http-stand-in.js';

/*
 * The part of HubSpot's CRM v3 API a note needs: `POST /crm/v3/objects/contacts/search`
 * (filterGroups → results with ids) and `POST /crm/v3/objects/notes` (properties
 * hs_timestamp and hs_note_body, associations to a contact with HUBSPOT_DEFINED type 202).
 * Bearer auth with a private-app token; 401 without it, 400 for a malformed body.
 */

export const HUBSPOT_TOKEN = 'pat-na1-standin-0000-0000-000000000000';

function json(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: 'application/json' };
}

function invalid(message: string): Reply {
  return json(400, { status: 'error', category: 'VALIDATION_ERROR', message });
}

export async function startHubspotStandIn(
  contacts: Record<string, string>,
): Promise<HttpStandIn & { notes: Array<{ contactId: string; body: string; timestamp: string }> }> {
  const notes: Array<{ contactId: string; body: string; timestamp: string }> = [];
  const ids = new Set(Object.values(contacts));

  function search(request: ReceivedRequest): Reply {
    const body = request.json as {
      filterGroups?: Array<{ filters?: Array<Record<string, string>> }>;
    };
    const filter = body?.filterGroups?.[0]?.filters?.[0];
    if (!filter || filter.propertyName !== 'email' || filter.operator !== 'EQ') {
      return invalid('filterGroups must hold an email EQ filter');
    }
    const id = contacts[String(filter.value).toLowerCase()];
    const results = id ? [{ id, properties: { email: filter.value } }] : [];
    return json(200, { total: results.length, results });
  }

  function createNote(request: ReceivedRequest): Reply {
    const body = request.json as {
      properties?: Record<string, unknown>;
      associations?: Array<{ to?: { id?: unknown }; types?: Array<Record<string, unknown>> }>;
    };
    const { hs_timestamp: timestamp, hs_note_body: noteBody } = body?.properties ?? {};
    if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp))) {
      return invalid('hs_timestamp is required');
    }
    if (typeof noteBody !== 'string' || noteBody === '') return invalid('hs_note_body is required');
    const association = body.associations?.[0];
    const type = association?.types?.[0];
    if (type?.associationCategory !== 'HUBSPOT_DEFINED' || type.associationTypeId !== 202) {
      return invalid('associations must link the note to a contact (type 202)');
    }
    const contactId = String(association?.to?.id);
    if (!ids.has(contactId)) return json(404, { status: 'error', message: 'contact not found' });
    notes.push({ contactId, body: noteBody, timestamp });
    return json(201, { id: String(9000 + notes.length), properties: body.properties });
  }

  const server = await startHttpStandIn((request) => {
    if (request.headers.authorization !== `Bearer ${HUBSPOT_TOKEN}`) {
      return json(401, { status: 'error', category: 'INVALID_AUTHENTICATION' });
    }
    if (request.method === 'POST' && request.path === '/crm/v3/objects/contacts/search') {
      return search(request);
    }
    if (request.method === 'POST' && request.path === '/crm/v3/objects/notes')
      return createNote(request);
    return json(404, { status: 'error', message: 'not found' });
  });
  return Object.assign(server, { notes });
}
