-- adverse_events of every center of the run, in the common staging schema (see union_centers()).
with

unioned as (
    {{ union_centers('adverse_events') }}
),

final as (
    select * from unioned
)

select * from final
