"""On-disk caches: loaded corpora and annotations, written atomically."""
