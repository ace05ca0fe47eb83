import { findChangePoint, setNear } from '../src/changepoint.js'
import { uniforms } from '../__fixtures__/changepoint-series.js'
import { median } from '../src/stats.js'
const SIGMA = 10 / 0.6744897501960817
function normals(seed: number) { const u = uniforms(seed); return () => Math.sqrt(-2*Math.log(1-u()))*Math.cos(2*Math.PI*u()) }
const trials = Number(process.env.T ?? 300)
for (const near of [1]) {
for (const h of [30]) {
  let found=0, exact=0, within=0, slowSum=0
  for (let t=0;t<trials;t++){
    const z = normals(5000+t)
    const series: number[] = Array.from({length:40},()=>270+SIGMA*z())
    let slow=0
    for(;;){ series.push(310+SIGMA*z()); slow++
      const win = series.slice(-10)
      if ((median(win) ?? 0) > 300 || slow > 40) break }
    slowSum+=slow
    const hist = series.slice(-h)
    const at = h - slow
    setNear(near); const r = findChangePoint(hist, {minShift:0, permutations: 999, refine: near>0, nearMax: near} as any)
    if (r.kind==='shift' && r.shift>0){found++; if(r.index===at) exact++; if(Math.abs(r.index-at)<=1) within++}
  }
  console.log(near, h, 'slow', slowSum/trials, 'found', found/trials, 'exact', exact/found, 'within', within/found)
}}
