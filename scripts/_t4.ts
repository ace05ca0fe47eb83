import { findChangePoint } from '../src/changepoint.js'
const newestFirst = [302,312,305,306,314,307,312,275,275,265,272,268,270,262,271,266,273,269,267,270,264,268,271,263,269,266,270,267,265,268]
const v = [...newestFirst].reverse()
for (const refine of [false,true]) { const r = findChangePoint(v,{minShift:0, refine}); console.log(refine, r.kind, 'index', (r as any).index, 'newest-first position of first after', v.length - (r as any).index, (r as any).p) }
