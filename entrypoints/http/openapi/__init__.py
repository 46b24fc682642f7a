"""What the OpenAPI schema documents beyond Litestar's own reading of the routes: the error answers of
each route, the rules of the JSON bodies, the problem JSON's shape; and the pages that serve the schema."""
