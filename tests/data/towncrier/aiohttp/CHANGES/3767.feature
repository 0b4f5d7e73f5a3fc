Add ``AbstractAsyncAccessLogger`` to allow IO while logging.
