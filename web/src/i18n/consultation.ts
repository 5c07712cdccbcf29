/** Words of the consultation screens. Dutch first; French and English must have every key (the types say so). */
export const nl = {
} as const;

export type Key = keyof typeof nl;

export const fr: Record<Key, string> = {
};

export const en: Record<Key, string> = {
};
