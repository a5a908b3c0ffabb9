/** `npm run bench`: every benchmark, in order. Figures are measured on this machine, in this run. */
import './demo-wall-time';
