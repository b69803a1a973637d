export const MAX_FIND_RESULTS = 10_000;
export const MAX_FIND_TEXT = 200;
