/** Row height and the name column's default width, shared by the rows, the ruler and the minimap. */
export const ROW_HEIGHT = 24;
export const NAME_WIDTH = 380;
export const INDENT = 14;
/** The name column's width as set by the splitter (a CSS variable on the waterfall), for inline styles. */
export const NAME_COLUMN = `var(--name-width, ${NAME_WIDTH}px)`;
