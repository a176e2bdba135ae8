/**
 * The GraphQL IDE at `GET /graphql` (a browser asking for HTML): GraphiQL and React served from
 * the installed packages, so it works on a network without internet (Apollo's Sandbox loads from
 * a CDN). GET requests with a `query` and every POST still go to Apollo.
 */
import path from 'node:path';
import express, { NextFunction, Request, Response, Router } from 'express';
import { packageRoot, requestLanguage, translate } from '../i18n';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function idePage(title: string, lang: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <link rel="stylesheet" href="/vendor/graphiql/graphiql.min.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql"></div>
  <script src="/vendor/react/react.production.min.js"></script>
  <script src="/vendor/react-dom/react-dom.production.min.js"></script>
  <script src="/vendor/graphiql/graphiql.min.js"></script>
  <script src="/graphiql.js"></script>
</body>
</html>
`;
}

/** The IDE's page and its assets. Mount before Apollo's middleware. */
export function graphqlIdeRouter(): Router {
  const router = express.Router();
  // react's `exports` hide its UMD builds from require.resolve: they sit beside its main file
  const folder = (pkg: string, sub: string) => path.join(path.dirname(require.resolve(pkg, { paths: [packageRoot()] })), sub);
  router.use('/vendor/graphiql', express.static(folder('graphiql/graphiql.min.js', ''), { maxAge: '1d' }));
  router.use('/vendor/react', express.static(folder('react', 'umd'), { maxAge: '1d' }));
  router.use('/vendor/react-dom', express.static(folder('react-dom', 'umd'), { maxAge: '1d' }));
  router.get('/graphql', (req: Request, res: Response, next: NextFunction) => {
    if (req.query.query !== undefined || !req.accepts(['application/json', 'text/html']) || req.accepts(['application/json', 'text/html']) !== 'text/html') {
      next();
      return;
    }
    const lang = requestLanguage(typeof req.query.lang === 'string' ? req.query.lang : null, req.get('accept-language'));
    res.type('html').send(idePage(translate(lang, 'ide.title'), lang));
  });
  return router;
}
