/** See dynalite-iterators.mjs: closes the LevelDB iterator of every dynalite Query and Scan. */
export function closeDynaliteIterators(): number;
