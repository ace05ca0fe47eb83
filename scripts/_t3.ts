import { findChangePoint } from '../src/changepoint.js'
import { stepSeries, populationMad } from '../__fixtures__/changepoint-series.js'
for (const noise of ['normal','skewed'] as const) for (const [n,at] of [[30,15],[30,27],[10,5]]) for (const refine of [false,true]) {
  let f=0,e=0,w=0
  for (let t=0;t<400;t++){ const r=findChangePoint(stepSeries(n,noise,1e6+t,at,3*populationMad(noise)),{minShift:0,permutations:999,refine})
    if(r.kind==='shift'&&r.shift>0){f++; if(r.index===at)e++; if(Math.abs(r.index-at)<=1)w++}}
  console.log(noise,n,at,refine,f/400,(e/f).toFixed(3),(w/f).toFixed(3))
}
