/** "1 box", "2 boxes", "0 labels": a count with its noun in the number it takes. */
export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
