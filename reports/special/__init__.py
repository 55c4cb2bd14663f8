"""半月一专报 (the half-monthly special report) and its monthly and annual forms: the content built from
one figures object (`context.special_context`), the charts, the Word document from the special_report
template, the Excel annex and the PDF (`documents`), stored as `reports.models.SpecialReport` by
`services.generate_special_report`. See docs/special-report.md."""
