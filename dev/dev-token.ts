import { SignJWT } from 'jose';
import type { Person } from '../db/people';

/** A bearer token for a person, signed with the HS256 development secret. */
export function devToken(secret: string, person: Pick<Person, 'id' | 'roles'>, expiresIn = '30d'): Promise<string> {
  return new SignJWT({ roles: person.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(person.id)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
