import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { auditEvent } from '../db/audit';
import { type DossierScope, readDossier } from '../db/dossier';
import { findPartner } from '../db/partners';
import { verifyDossier } from '../domain/dossier';
import { type Actor, hasRole, type Role } from '../domain/roles';
import { noteRef } from '../domain/wording';
import { requireRole } from './auth';
import { renderDossier } from './dossier-view';
import { ApiError } from './errors';
import { type NoteAccess, readableNote } from './note-access';
import { sendPage } from './pages';

/** Oversight (DOMAIN.md: the auditor reads everything and changes nothing) exports dossiers; no one else. */
const DOSSIER_EXPORTERS: Role[] = ['auditor'];
export const mayExportDossier = (actor: Actor) => hasRole(actor, ...DOSSIER_EXPORTERS);

export type DossierFormat = 'json' | 'html';

/** An exported dossier, as it is handed out. */
export interface DossierFile {
  format: DossierFormat;
  body: string;
  /** The JSON file's name, which the HTML names too (a day and an id, no partner's name). */
  fileName: string;
}

const day = () => new Date().toISOString().slice(0, 10);

/**
 * The dossier for oversight, for the JSON API and the staff pages alike. A dossier is content, so its
 * export is on the record: a `dossier.exported` entry naming what it covers (the partner, the notes,
 * the consent requests, how far the trail reaches) and the SHA-256 of exactly what was handed out.
 * Need to know: a partner's dossier is the auditor's (staff know partners exist, so others get 403); a
 * note's is refused as the note is (404) to whoever may not read it, and 403 to a reader who is no auditor.
 */
export function dossierService(deps: NoteAccess) {
  const { sql } = deps;

  async function exported(actor: Actor, scope: DossierScope, partnerId: string, format: DossierFormat, fileName: string): Promise<DossierFile> {
    const dossier = await readDossier(sql, scope, partnerId, actor.id);
    const body = format === 'json' ? `${JSON.stringify(dossier, null, 2)}\n` : renderDossier(dossier, verifyDossier(dossier), fileName);
    await auditEvent(sql, {
      actorId: actor.id,
      action: 'dossier.exported',
      noteId: scope.kind === 'note' ? scope.noteId : null,
      details: {
        scope: scope.kind,
        partnerId,
        notes: dossier.notes.map((n) => n.id),
        consentIds: dossier.consentRequests.map((c) => c.id),
        auditEntries: dossier.auditTrail.links.filter((link) => link.entry).length,
        chainHead: dossier.auditTrail.head,
        format,
        sha256: createHash('sha256').update(body).digest('hex'),
      },
    });
    return { format, body, fileName };
  }

  return {
    async ofPartner(actor: Actor, partnerId: string, format: DossierFormat): Promise<DossierFile> {
      requireRole(actor, ...DOSSIER_EXPORTERS);
      if (!(await findPartner(sql, partnerId))) throw new ApiError(404, 'no such partner');
      return exported(actor, { kind: 'partner', partnerId }, partnerId, format, `dossier-partner-${partnerId.slice(0, 8)}-${day()}.json`);
    },

    async ofNote(actor: Actor, noteId: string, format: DossierFormat): Promise<DossierFile> {
      const note = await readableNote(deps, actor, noteId);
      requireRole(actor, ...DOSSIER_EXPORTERS);
      return exported(actor, { kind: 'note', noteId }, note.partnerId, format, `dossier-${noteRef(noteId)}-${day()}.json`);
    },
  };
}
export type DossierService = ReturnType<typeof dossierService>;

/** Hands a dossier out: the JSON as a download, the HTML as a page to read and print (the pages' policy: no scripts). */
export function sendDossier(reply: FastifyReply, file: DossierFile): FastifyReply {
  if (file.format === 'html') return sendPage(reply, 200, file.body);
  return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.body);
}
