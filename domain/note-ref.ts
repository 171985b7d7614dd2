/** The reference a person can quote (mail, page titles): stable, short, and telling nothing about the partner. */
export const noteRef = (noteId: string) => `WN-${noteId.slice(0, 8).toUpperCase()}`;
