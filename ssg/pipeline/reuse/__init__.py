"""What is known from earlier builds: the cache, the manifest, memos and the reads each page recorded."""
