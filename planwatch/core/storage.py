from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed names for far-future caching, gzip copies for compressed responses. Brotli is left
    out: at its highest quality it takes minutes on the API documentation's large scripts, and
    `planwatch serve` collects static files at every start."""

    def create_compressor(self, **kwargs) -> Compressor:
        return Compressor(use_brotli=False, **kwargs)
