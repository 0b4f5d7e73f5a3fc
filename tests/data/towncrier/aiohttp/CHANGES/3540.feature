Make sanity check for web-handler return value working in release mode
