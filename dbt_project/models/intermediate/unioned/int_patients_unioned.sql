-- patients of every center of the run, in the common staging schema (see union_centers()).
with

unioned as (
    {{ union_centers('patients') }}
),

final as (
    select * from unioned
)

select * from final
