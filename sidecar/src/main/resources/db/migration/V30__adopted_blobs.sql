-- Blobs adopted by `ironclad import` from a distribution store: their rows point at distribution's own
-- keys (docker/registry/v2/blobs/.../data), served as legacy objects (hashed on read) until backfilled.
-- Those bytes belong to the adopted store, which the old registry may still be serving from: the
-- collector drops an unreferenced adopted blob's row but never deletes its bytes.
ALTER TABLE blobs ADD COLUMN adopted BOOLEAN DEFAULT FALSE NOT NULL;
