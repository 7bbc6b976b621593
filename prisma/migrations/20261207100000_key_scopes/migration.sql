-- What each virtual key may reach with the provider key Tollgate holds: by default the metered inference
-- endpoints and model listing; files, batches, images and audio only when the key was created with them.
ALTER TABLE "virtual_keys" ADD COLUMN "endpoints" TEXT[] NOT NULL DEFAULT ARRAY['inference', 'models']::TEXT[];
