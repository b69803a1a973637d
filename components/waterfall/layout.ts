/** Row height and name column width, shared by the rows, the ruler and the minimap. */
export const ROW_HEIGHT = 24;
export const NAME_WIDTH = 380;
export const INDENT = 14;
