// The module only answers the page's calls to UrlCheck; a WebAssembly executable still needs an entry point.
return;
