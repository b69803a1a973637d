/** A LIKE/ILIKE pattern matching `text` anywhere, its wildcards and the escape character taken literally. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
