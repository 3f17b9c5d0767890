// @recdata/quality: Data quality for recommendation data: profiles and sketches, checks, drift metrics, gate and reports.
export {};
