"""Slim counterpart of httpd's test/pyhttpd for mod_cors: start a real
Apache with a generated configuration and talk raw HTTP/1.1 to it."""
