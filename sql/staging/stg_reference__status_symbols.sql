-- The key to symbols: each status with its printed symbol and the words that say the same
-- (the words are what screen readers and colour-blind readers rely on).
SELECT status, symbol, label
FROM reference.status_symbols
